## tests/hostile.mk (included by the build)
