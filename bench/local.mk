## bench/local.mk (included by the build)
