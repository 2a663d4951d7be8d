# exhibit.bash — bash completion for exhibit(1).
# Installed as $(datadir)/bash-completion/completions/exhibit; works on its
# own too:  . completion/exhibit.bash
# Self-contained: it uses only bash's own compgen, not bash-completion's
# helpers, so it behaves the same with and without that package.

# Options of each subcommand (keep in step with `exhibit CMD --help`;
# tests/cli/man.sh checks that every option there is here).
_exhibit_opts_keygen='-s --secret-key -p --public-key -W --without-password
	-c --comment -h --help'
_exhibit_opts_scan='-c --camera -x --xml -d --deep -C --no-cache -j --jobs -z --tz -h --help'
_exhibit_opts_export='-o --output --camera --from --to -s --secret-key
	--case --exhibit --operator --organisation --organization --reason --tz
	--clock-offset --segment --container --no-masters --no-working --preset
	--crf --jobs --still --allow-empty --no-cache --requester --requester-org
	--purpose --register --no-register --mask --disclosure -h --help'
_exhibit_opts_verify='-p --public-key --xml --strict -h --help'
_exhibit_opts_custody_add='-s --secret-key --actor --action --note -h
	--help'
_exhibit_opts_custody_show='-p --public-key --strict -h --help'
_exhibit_opts_register_list='--register --from --to --case --xml --csv --tz
	-h --help'
_exhibit_opts_register_verify='--register -p --public-key -h --help'
_exhibit_opts_register_report='--register --year --from --to --csv --html
	--tz -h --help'

# Options that take a value (the next word).
_exhibit_takes_value='-s --secret-key -p --public-key -c --comment --camera
	-z --tz -o --output --from --to --case --exhibit --operator --organisation
	--organization --reason --clock-offset --segment --container --preset --crf
	--jobs --still --actor --action --note --requester --requester-org
	--purpose --register --year --html --mask --disclosure'

_exhibit_reply_files()
{
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -- "$1"))
	compopt -o filenames 2>/dev/null
}

_exhibit_reply_dirs()
{
	local IFS=$'\n'
	COMPREPLY=($(compgen -d -- "$1"))
	compopt -o filenames 2>/dev/null
}

# IANA zone names from the zoneinfo folder, one path level at a time.
_exhibit_reply_zones()
{
	local dir=${TZDIR:-/usr/share/zoneinfo} z IFS=$'\n'
	COMPREPLY=()
	for z in $(compgen -f -- "$dir/$1"); do
		case $z in *.tab|*.zi|*/posix*|*/right*|*/Etc/..*) continue ;; esac
		if [[ -d $z ]]; then
			COMPREPLY+=("${z#"$dir"/}/")
		else
			COMPREPLY+=("${z#"$dir"/}")
		fi
	done
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] &&
		compopt -o nospace 2>/dev/null
	return 0
}

# Camera IDs of the archive named on the line (first non-option word after
# the subcommand), from `exhibit scan`; at most a few seconds.  A camera
# already chosen (earlier in this comma list, or by another --camera word
# in $3) is not offered again.
_exhibit_reply_cameras()
{
	local archive=$1 cur=$2 chosen=",${3-}," head='' ids
	[[ -n $archive && -d $archive ]] || return 0
	if [[ $cur == *,* ]]; then
		head=${cur%,*},
		cur=${cur##*,}
		chosen+="$head"
	fi
	ids=$(timeout 5 "${_exhibit_cmd:-exhibit}" scan "$archive" 2>/dev/null |
		sed -n 's/^camera //p')
	local IFS=$'\n' id
	COMPREPLY=()
	for id in $(compgen -W "$ids" -- "$cur"); do
		[[ $chosen == *",$id,"* ]] && continue
		COMPREPLY+=("$head$id")
	done
	return 0
}

_exhibit()
{
	local cur prev cmd='' sub='' archive='' cameras='' i w skip=0
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=''
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	_exhibit_cmd=${COMP_WORDS[0]}
	# "--opt=value": bash splits at '=' (COMP_WORDBREAKS).
	if [[ $cur == '=' ]]; then
		cur=''
	elif [[ $prev == '=' ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi

	# The subcommand, custody's action, and the first operand.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((skip)); then skip=0; continue; fi
		# "--opt = value": the value is not an operand.
		if [[ $w == '=' ]]; then skip=1; continue; fi
		if [[ -z $cmd ]]; then
			cmd=$w
		elif [[ ($cmd == custody || $cmd == register) && -z $sub ]]; then
			sub=$w
		elif [[ $w == -* ]]; then
			case " ${_exhibit_takes_value//[$'\t\n']/ } " in
			*" $w "*) [[ ${COMP_WORDS[i + 1]} != '=' ]] && skip=1 ;;
			esac
			# Cameras chosen by earlier --camera words.
			if [[ $w == --camera ]] && ((i + 1 < COMP_CWORD)); then
				cameras+="${COMP_WORDS[i + 1]},"
			fi
		elif [[ -z $archive ]]; then
			archive=$w
		fi
	done

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W 'keygen scan export verify custody
			register --help --version' -- "$cur"))
		return 0
	fi
	if [[ $cmd == custody && -z $sub ]]; then
		COMPREPLY=($(compgen -W 'add show' -- "$cur"))
		return 0
	fi
	if [[ $cmd == register && -z $sub ]]; then
		COMPREPLY=($(compgen -W 'list verify report' -- "$cur"))
		return 0
	fi

	case $prev in
	-s|--secret-key|-p|--public-key|-o|--output|--register|--html|--mask)
		_exhibit_reply_files "$cur"; return 0 ;;
	--container)
		COMPREPLY=($(compgen -W 'zip dir tar iso' -- "$cur")); return 0 ;;
	--preset)
		COMPREPLY=($(compgen -W 'ultrafast superfast veryfast faster fast
			medium slow slower veryslow placebo' -- "$cur"))
		return 0 ;;
	--tz|-z)
		_exhibit_reply_zones "$cur"; return 0 ;;
	--camera)
		_exhibit_reply_cameras "$archive" "$cur" "$cameras"; return 0 ;;
	-c)
		[[ $cmd == scan ]] && _exhibit_reply_cameras "$archive" "$cur"
		return 0 ;;
	--disclosure)
		COMPREPLY=($(compgen -W 'full redacted' -- "$cur"))
		return 0 ;;
	--purpose)
		COMPREPLY=($(compgen -W 'police-investigation court
			civil-proceedings subject-access insurance internal-review
			other' -- "$cur"))
		return 0 ;;
	--action)
		COMPREPLY=($(compgen -W 'received copied handed-to-court
			returned' -- "$cur"))
		return 0 ;;
	--comment|--from|--to|--still|--case|--exhibit|--operator|\
	--organisation|--organization|--reason|--clock-offset|--segment|\
	--crf|--jobs|--actor|--note|--requester|--requester-org|--year)
		return 0 ;;
	esac

	local opts
	case $cmd in
	keygen) opts=$_exhibit_opts_keygen ;;
	scan) opts=$_exhibit_opts_scan ;;
	export) opts=$_exhibit_opts_export ;;
	verify) opts=$_exhibit_opts_verify ;;
	custody)
		case $sub in
		add) opts=$_exhibit_opts_custody_add ;;
		show) opts=$_exhibit_opts_custody_show ;;
		*) return 0 ;;
		esac ;;
	register)
		case $sub in
		list) opts=$_exhibit_opts_register_list ;;
		verify) opts=$_exhibit_opts_register_verify ;;
		report) opts=$_exhibit_opts_register_report ;;
		*) return 0 ;;
		esac ;;
	*) return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi
	# Operands: an ARCHIVE is a folder, a BUNDLE a file or folder.
	case $cmd in
	scan|export) _exhibit_reply_dirs "$cur" ;;
	verify|custody) _exhibit_reply_files "$cur" ;;
	esac
	return 0
}

complete -F _exhibit exhibit
