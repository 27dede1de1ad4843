/* Natural ordering of control IDs: "CC6.2" before "CC6.10", "2.9" before
 * "2.14". */
#ifndef SOC2_UTIL_NATURAL_H
#define SOC2_UTIL_NATURAL_H

/* Compares like strcmp, but runs of digits compare by their value. */
int natural_compare(const char *a, const char *b);

#endif
