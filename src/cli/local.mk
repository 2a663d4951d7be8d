## src/cli: the exhibit command line (thin front end over libexhibit)
bin_PROGRAMS += exhibit
exhibit_SOURCES = \
	src/cli/main.c \
	src/cli/cli.h \
	src/cli/diag.c \
	src/cli/progress.c \
	src/cli/passphrase.c \
	src/cli/passphrase.h \
	src/cli/cmd_keygen.c \
	src/cli/cmd_scan.c \
	src/cli/cmd_export.c \
	src/cli/cmd_verify.c \
	src/cli/cmd_custody.c \
	src/cli/cmd_register.c
exhibit_LDADD = libexhibit.la $(DEP_LIBS)
