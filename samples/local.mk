## samples/local.mk: the sample archive and test-footage tools (included by Makefile.am)
