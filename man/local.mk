## man/local.mk: the manuals, the bash completion and their tests
## (included by tests/local.mk).

dist_man_MANS += man/exhibit.1 man/exhibit-bundle.5

## Bash completion, installed as completions/exhibit.bash, which
## bash-completion (2.9 and later) loads on demand for `exhibit`.  It goes
## under the prefix so that `make distcheck` and unprivileged installs
## work; a system-wide install can use bash-completion's own folder:
##   make install bashcompletiondir="$(pkg-config --variable=completionsdir bash-completion)"
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completion/exhibit.bash
