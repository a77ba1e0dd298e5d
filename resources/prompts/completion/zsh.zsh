# The driver (resources/prompts/completion/zsh.zsh), after the tables.

# IDs the word begins or ends, shown with their titles.
_yoi_tickets_ids() {
	local -a lines ids descs
	local line
	lines=(${(f)"$(${_yoi_tickets_bin[@]} completion ids -- "$1" 2>/dev/null)"})
	for line in $lines; do
		ids+=("${line%%$'\t'*}")
		descs+=("${line%%$'\t'*}  -- ${line#*$'\t'}")
	done
	(( $#ids )) && compadd -U -l -d descs -a ids
}

# _yoi_tickets_kind KIND WORD: KIND's candidates ("a+b": both).
_yoi_tickets_kind() {
	local part
	for part in ${(s:+:)1}; do
		case $part in
		id) _yoi_tickets_ids "$2" ;;
		file) _files ;;
		dir) _files -/ ;;
		w:*) compadd -- ${(s:,:)${part#w:}} ;;
		esac
	done
}

_yoi_tickets_key() {
	if [[ -n $2 && $_yoi_tickets_keys == *" $1/$2 "* ]]; then
		echo "$1/$2"
	else
		echo "$1"
	fi
}

_yoi_tickets() {
	local i w cmd= takes= root= opt= key kind
	local -a pos spec _yoi_tickets_bin _yoi_tickets_opts
	_yoi_tickets_bin=(${~words[1]})
	for ((i = 2; i < CURRENT; i++)); do
		w=${words[i]}
		if [[ -n $takes ]]; then
			[[ $takes == root ]] && root=$w
			takes=
			continue
		fi
		case $w in
		--root) takes=root ;;
		--root=*) root=${w#--root=} ;;
		--*=*) ;;
		-*)
			key=$(_yoi_tickets_key "$cmd" "${pos[1]}")
			[[ " $_yoi_tickets_gvflags $(_yoi_tickets_vflags "$key") " == *" $w "* ]] && takes=1
			;;
		*) if [[ -z $cmd ]]; then cmd=$w; else pos+=("$w"); fi ;;
		esac
	done
	[[ -n $root ]] && _yoi_tickets_bin+=(--root "$root")
	key=$(_yoi_tickets_key "$cmd" "${pos[1]}")
	if [[ -n $takes ]]; then
		opt=${words[CURRENT-1]}
	elif [[ $PREFIX == --*=* ]]; then
		opt=${PREFIX%%=*}
		compset -P '*='
	fi
	if [[ -n $opt ]]; then
		kind=$(_yoi_tickets_val "${key:-_}" "$opt")
		[[ -n $kind ]] && _yoi_tickets_kind "$kind" "$PREFIX"
		return
	fi
	if [[ $PREFIX == -* ]]; then
		if [[ -z $cmd ]]; then
			compadd -- ${=_yoi_tickets_globals}
		else
			_yoi_tickets_describe "$key"
			_describe -t options option _yoi_tickets_opts
		fi
		return
	fi
	if [[ -z $cmd ]]; then
		_describe -t commands command _yoi_tickets_commands
		return
	fi
	spec=(${=$(_yoi_tickets_pos "$cmd")})
	(( $#pos < $#spec )) && _yoi_tickets_kind "${spec[$#pos + 1]}" "$PREFIX"
}

if [[ $funcstack[1] == _yoi-tickets ]]; then
	_yoi_tickets "$@"
else
	compdef _yoi_tickets yoi-tickets
fi
