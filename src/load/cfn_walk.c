/* Walking a template's values without recursion, for checks that visit
 * every value (function names, dependencies between resources). */

#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"

/* Walking a template. */

int cfn_walk_push(cfn_walker *walker, json_t *value, const char *key, long index)
{
    cfn_walk_frame frame = {value, walker->pointer.len, key, index};
    return ARRAY_PUSH(walker->frames, walker->count, walker->cap, frame);
}

/* Schedules the members or elements of `value` so that the first is
 * visited first. */
static int push_children(cfn_walker *walker, json_t *value)
{
    size_t start = walker->count;
    if (json_is_object(value)) {
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member) {
            if (cfn_walk_push(walker, member, key, -1) < 0)
                return -1;
        }
    } else if (json_is_array(value)) {
        size_t i;
        json_t *element;
        json_array_foreach(value, i, element) {
            if (cfn_walk_push(walker, element, NULL, (long)i) < 0)
                return -1;
        }
    }
    for (size_t low = start, high = walker->count; high > low + 1; low++, high--) {
        cfn_walk_frame swap = walker->frames[low];
        walker->frames[low] = walker->frames[high - 1];
        walker->frames[high - 1] = swap;
    }
    return 0;
}

int cfn_walk(json_t *value, const char *pointer, cfn_visit_fn visit, void *context)
{
    cfn_walker walker = {0};
    sb_puts(&walker.pointer, pointer);
    int rc = cfn_walk_push(&walker, value, NULL, -1) < 0 ? error_nomem() : SOC2_OK;

    /* When a frame is popped, walker.pointer still begins with the pointer
     * of the value that pushed it, because the frames popped since were
     * pushed later, by that value or by values inside it, and they change
     * only what follows. */
    while (rc == SOC2_OK && walker.count > 0) {
        cfn_walk_frame frame = walker.frames[--walker.count];
        sb_truncate(&walker.pointer, frame.parent_length);
        if (frame.key)
            json_pointer_append(&walker.pointer, frame.key);
        if (frame.index >= 0)
            json_pointer_append_index(&walker.pointer, (size_t)frame.index);
        if (walker.pointer.failed) {
            rc = error_nomem();
            break;
        }

        int descend = 1;
        rc = visit(&walker, frame.value, context, &descend);
        if (rc == SOC2_OK && descend && push_children(&walker, frame.value) < 0)
            rc = error_nomem();
    }

    free(walker.frames);
    sb_free(&walker.pointer);
    return rc;
}
