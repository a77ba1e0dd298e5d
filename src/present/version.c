/* version.c - the libraries' versions, as they report them at run time. */
#include "yoi/version.h"

#include <cmark.h>
#include <jansson.h>
#include <stdio.h>
#include <yaml.h>

#include "git/gitops.h"

void yoi_library_versions(char *buf, size_t n)
{
	char git[64];
	yoi_git_version_text(git, sizeof(git));
	snprintf(buf, n, "%s, libyaml %s, cmark %s, jansson %s", git,
		 yaml_get_version_string(), cmark_version_string(),
		 jansson_version_str());
}
