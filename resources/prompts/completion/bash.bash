# The driver (resources/prompts/completion/bash.bash), after the tables.

# IDs the word begins or ends ("ID<TAB>title" lines from the binary).
_yoi_tickets_ids() {
	local id title
	while IFS=$'\t' read -r id title; do
		[[ -n $id ]] && COMPREPLY+=("$id")
	done < <("${_yoi_tickets_bin[@]}" completion ids -- "$1" 2>/dev/null)
}

# _yoi_tickets_kind KIND WORD: add KIND's candidates ("a+b": both).
_yoi_tickets_kind() {
	local part ws
	local -a parts
	IFS=+ read -r -a parts <<<"$1"
	for part in "${parts[@]}"; do
		case $part in
		id) _yoi_tickets_ids "$2" ;;
		file) COMPREPLY+=($(compgen -f -- "$2")) ;;
		dir) COMPREPLY+=($(compgen -d -- "$2")) ;;
		w:*)
			ws=${part#w:}
			COMPREPLY+=($(compgen -W "${ws//,/ }" -- "$2"))
			;;
		esac
	done
}

# The option table of CMD SUB: "CMD/SUB" when it has its own, else CMD.
_yoi_tickets_key() {
	if [[ -n $2 && $_yoi_tickets_keys == *" $1/$2 "* ]]; then
		echo "$1/$2"
	else
		echo "$1"
	fi
}

_yoi_tickets() {
	local cur=${COMP_WORDS[COMP_CWORD]} end=$COMP_CWORD
	local opt= prefix= i w cmd= key takes= root= kind
	local -a pos=() spec=() _yoi_tickets_bin=("${COMP_WORDS[0]/#\~/$HOME}")
	COMPREPLY=()
	# --opt=VALUE: bash splits it at '=' (COMP_WORDBREAKS) or not.
	if [[ $cur == = ]]; then
		opt=${COMP_WORDS[COMP_CWORD - 1]} cur= end=$((COMP_CWORD - 1))
	elif ((COMP_CWORD > 2)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]} end=$((COMP_CWORD - 2))
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
	fi
	for ((i = 1; i < end; i++)); do
		w=${COMP_WORDS[i]}
		if ((i + 1 < end)) && [[ ${COMP_WORDS[i + 1]} == = ]]; then
			[[ $w == --root ]] && root=${COMP_WORDS[i + 2]}
			((i += 2))
			continue
		fi
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
			key=$(_yoi_tickets_key "$cmd" "${pos[0]}")
			[[ " $_yoi_tickets_gvflags $(_yoi_tickets_vflags "$key") " == *" $w "* ]] && takes=1
			;;
		*) if [[ -z $cmd ]]; then cmd=$w; else pos+=("$w"); fi ;;
		esac
	done
	[[ -n $root ]] && _yoi_tickets_bin+=(--root "$root")
	key=$(_yoi_tickets_key "$cmd" "${pos[0]}")
	[[ -n $takes ]] && opt=${COMP_WORDS[end - 1]}
	if [[ -n $opt ]]; then
		kind=$(_yoi_tickets_val "${key:-_}" "$opt")
		[[ -n $kind ]] && _yoi_tickets_kind "$kind" "$cur"
		[[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi
	if [[ $cur == -* ]]; then
		if [[ -z $cmd ]]; then
			COMPREPLY=($(compgen -W "$_yoi_tickets_globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_yoi_tickets_flags "$key") $(_yoi_tickets_vflags "$key")" -- "$cur"))
		fi
		return 0
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$_yoi_tickets_commands" -- "$cur"))
		return 0
	fi
	read -r -a spec <<<"$(_yoi_tickets_pos "$cmd")"
	((${#pos[@]} < ${#spec[@]})) && _yoi_tickets_kind "${spec[${#pos[@]}]}" "$cur"
	return 0
}

complete -F _yoi_tickets yoi-tickets
