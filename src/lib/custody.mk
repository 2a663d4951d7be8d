## src/lib/custody.mk (included by the build)
