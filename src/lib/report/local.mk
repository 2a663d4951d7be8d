## src/lib/report/local.mk (included by the build)
