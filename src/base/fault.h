/*
 * fault.h - fault injection for the test build only (yoi-tickets-fault,
 * YOI_FAULT_INJECTION): yoi_fault(name) is true when YOI_FAULT names this
 * point. In the product it is the constant false, and the library reads
 * no environment.
 */
#ifndef YOI_BASE_FAULT_H
#define YOI_BASE_FAULT_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef YOI_FAULT_INJECTION
static inline bool yoi_fault(const char *name)
{
	const char *f = getenv("YOI_FAULT");
	return f && strcmp(f, name) == 0;
}
#else
#define yoi_fault(name) false
#endif

#endif
