## tests/e2e.mk (included by the build)
