/* The baseline of the benchmark: a plain jansson parse of a file, which is
 * what libsoc2's scan is compared with. */
#include <jansson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    json_error_t err;
    json_t *root = json_load_file(argv[1], 0, &err);
    if (!root) {
        fprintf(stderr, "%s:%d: %s\n", argv[1], err.line, err.text);
        return 1;
    }
    json_decref(root);
    return 0;
}
