/* Shared scaffolding for the Check suites: each test program defines
 * make_suite() and links harness.c, which runs the suite with TAP output so
 * that meson reports every test case. */
#ifndef SOC2_TEST_HARNESS_H
#define SOC2_TEST_HARNESS_H

#include <check.h>
#include <jansson.h>

Suite *make_suite(void);

/* Returns the path of a file under tests/data (static buffer). */
const char *data_path(const char *relative);

/* Reads a file under tests/data into a malloc'ed NUL-terminated buffer. */
char *read_data(const char *relative, size_t *length);

/* Output collected from a soc2_write_callback: pass a zeroed struct as the
 * payload of collect_output; free `data` afterwards. */
struct text_buffer {
    char *data;
    size_t length;
    size_t cap;
};

int collect_output(const char *data, size_t length, void *payload);

#endif
