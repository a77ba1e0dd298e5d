# The driver (resources/prompts/completion/fish.fish), after the tables.

# The command line before the cursor: the command, 1 when the last token
# wants a value, then the positional arguments.
function __yoi_tickets_parse
	set -l toks (commandline -opc)
	set -e toks[1]
	set -l cmd ''
	set -l pos
	set -l takes 0
	for w in $toks
		if test $takes = 1
			set takes 0
			continue
		end
		switch $w
			case '--*=*'
			case '-*'
				set -l k (__yoi_tickets_keyof $cmd $pos[1])
				if contains -- $w $__yoi_tickets_gv (string split ' ' -- (__yoi_tickets_vflags $k))
					set takes 1
				end
			case '*'
				if test -z "$cmd"
					set cmd $w
				else
					set -a pos $w
				end
		end
	end
	printf '%s\n' "$cmd" $takes $pos
end

function __yoi_tickets_keyof
	if test -n "$argv[2]"; and contains -- "$argv[1]/$argv[2]" $__yoi_tickets_keys
		echo "$argv[1]/$argv[2]"
	else
		echo "$argv[1]"
	end
end

function __yoi_tickets_nocmd
	set -l p (__yoi_tickets_parse)
	test -z "$p[1]"
end

# True when the command line's option table is $argv[1].
function __yoi_tickets_key
	set -l p (__yoi_tickets_parse)
	test -n "$p[1]"; or return 1
	test (__yoi_tickets_keyof $p[1] $p[3]) = "$argv[1]"
end

# IDs the word begins or ends, with their titles.
function __yoi_tickets_ids
	set -l toks (commandline -opc)
	set -l root
	for i in (seq 2 (count $toks))
		switch $toks[$i]
			case --root
				set root --root $toks[(math $i + 1)]
			case '--root=*'
				set root $toks[$i]
		end
	end
	$toks[1] $root completion ids -- (commandline -ct) 2>/dev/null
end

# The candidates of the positional argument at the cursor.
function __yoi_tickets_args
	string match -q -- '-*' (commandline -ct); and return
	set -l p (__yoi_tickets_parse)
	test -n "$p[1]"; and test "$p[2]" = 0; or return
	set -l spec (string split ' ' -- (__yoi_tickets_pos_spec $p[1]))
	set -l n (math (count $p) - 1)
	test $n -le (count $spec); or return
	for part in (string split + -- $spec[$n])
		switch $part
			case id
				__yoi_tickets_ids
			case file
				__fish_complete_path (commandline -ct)
			case dir
				__fish_complete_directories (commandline -ct)
			case 'w:*'
				string split , -- (string sub -s 3 -- $part)
		end
	end
end

complete -c yoi-tickets -n 'not __yoi_tickets_nocmd' -a '(__yoi_tickets_args)'
