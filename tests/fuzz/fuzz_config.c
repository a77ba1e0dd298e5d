/*
 * fuzz_config.c - .yoi/config.yaml: yoi_config_parse on arbitrary bytes.
 *
 * Properties (abort on violation): an error leaves exactly the defaults
 * (never part of the file); a success gives values in their documented
 * ranges (non-empty root, dir and hook path, max_inprogress >= 0,
 * timeout > 0, a non-empty transition table, roles without empty or
 * repeated names); parsing the same text again over the result gives the
 * same result.
 */
#include <stdint.h>

#include "fuzz.h"
#include "yoi/config.h"

static void same_config(const yoi_config *x, const yoi_config *y,
			const char *what)
{
	FUZZ_CHECK(strcmp(x->tickets_root, y->tickets_root) == 0 &&
		       x->language == y->language &&
		       strcmp(x->worktrees_dir, y->worktrees_dir) == 0 &&
		       strcmp(x->branch_prefix, y->branch_prefix) == 0 &&
		       x->max_inprogress == y->max_inprogress &&
		       strcmp(x->hook_ticket_event, y->hook_ticket_event) ==
			   0 &&
		       x->hook_ticket_event_set == y->hook_ticket_event_set &&
		       x->hook_timeout_ms == y->hook_timeout_ms &&
		       x->roles.n == y->roles.n &&
		       x->transitions.n == y->transitions.n,
		   "%s", what);
	for (size_t i = 0; i < x->roles.n; i++)
		FUZZ_CHECK(strcmp(x->roles.v[i], y->roles.v[i]) == 0, "%s",
			   what);
	for (size_t i = 0; i < x->transitions.n; i++)
		FUZZ_CHECK(memcmp(&x->transitions.v[i], &y->transitions.v[i],
				  sizeof(x->transitions.v[i])) == 0,
			   "%s", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	yoi_config def;
	FUZZ_CHECK(yoi_config_defaults(&def) == 0, "defaults failed");
	yoi_config cfg = {0};
	yoi_error err;
	int rc = yoi_config_parse(&cfg, buf, size, "config.yaml", &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == YOI_ECORRUPT, "parse returned %d", rc);
		same_config(&def, &cfg, "an error left more than the defaults");
		yoi_config_free(&cfg);
		yoi_config_free(&def);
		return 0;
	}
	FUZZ_CHECK(*cfg.tickets_root && *cfg.worktrees_dir &&
		       *cfg.hook_ticket_event,
		   "an empty root, dir or hook path was accepted");
	FUZZ_CHECK(cfg.max_inprogress >= 0 && cfg.hook_timeout_ms > 0 &&
		       cfg.transitions.n > 0,
		   "a value out of range was accepted");
	for (size_t i = 0; i < cfg.roles.n; i++) {
		FUZZ_CHECK(*cfg.roles.v[i], "an empty role name was accepted");
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(cfg.roles.v[i], cfg.roles.v[j]) != 0,
				   "role '%s' twice", cfg.roles.v[i]);
	}
	yoi_config again;
	FUZZ_CHECK(yoi_config_defaults(&again) == 0, "defaults failed");
	FUZZ_CHECK(yoi_config_parse(&again, buf, size, NULL, &err) == 0,
		   "a second parse failed: %s", err.msg);
	same_config(&cfg, &again, "a second parse differs");
	FUZZ_CHECK(yoi_config_parse(&again, buf, size, NULL, &err) == 0,
		   "a parse over a parsed config failed: %s", err.msg);
	same_config(&cfg, &again, "a parse over a parsed config differs");
	yoi_config_free(&again);
	yoi_config_free(&cfg);
	yoi_config_free(&def);
	return 0;
}
