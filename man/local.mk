## man/local.mk (included by the build)
