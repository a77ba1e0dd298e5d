/*
 * bench_noop.c - the start-up baseline of make bench: a trivial C
 * program (dynamically linked against libc only, as the C compiler links
 * one by default), spawned and waited for as the engine is.
 */
int main(void)
{
	return 0;
}
