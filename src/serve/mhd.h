/*
 * mhd.h - libmicrohttpd, loaded when `serve` runs (mhd.c).
 *
 * The executable links libgit2 and the rest statically so that every
 * command starts fast (Makefile, README Performance); libmicrohttpd.so
 * brings gnutls and about ten more libraries, which every process would
 * pay to load. So the server compiles against <microhttpd.h> for the
 * types and calls the functions through this table, filled by dlopen of
 * libmicrohttpd.so.12 on the first yoi_mhd_load (as src/git/gitgss.c
 * loads the GSS-API).
 */
#ifndef YOI_SERVE_MHD_H
#define YOI_SERVE_MHD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

#define YOI_MHD_SONAME "libmicrohttpd.so.12"

typedef struct yoi_mhd {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_get_connection_values) *get_connection_values;
	__typeof__(MHD_create_response_from_buffer) *response_from_buffer;
	__typeof__(MHD_create_response_from_callback) *response_from_callback;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_create_post_processor) *create_post_processor;
	__typeof__(MHD_post_process) *post_process;
	__typeof__(MHD_destroy_post_processor) *destroy_post_processor;
} yoi_mhd;

/*
 * Load the library (once; thread-safe). Returns the table, or NULL with
 * why[0..n) saying what failed (dlerror's text) and what to install.
 */
const yoi_mhd *yoi_mhd_load(char *why, size_t n);

#endif
