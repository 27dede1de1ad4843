/* Unit tests for the utilities: strings, hash map, attribute paths, masks. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model/cursor.h"
#include "model/model.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strmap.h"

START_TEST(strbuf_printf_grows)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "%d,", i);
    ck_assert_int_eq(sb.failed, 0);
    ck_assert_uint_gt(sb.len, 3000);
    ck_assert(strncmp(sb_str(&sb), "0,1,2,", 6) == 0);
    sb_free(&sb);
}
END_TEST

START_TEST(strmap_put_get_many)
{
    strmap map = STRMAP_INIT;
    char key[32];
    for (long i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key-%ld", i);
        ck_assert_int_eq(strmap_put(&map, key, (void *)(i + 1)), 0);
    }
    ck_assert_uint_eq(map.count, 5000);
    for (long i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key-%ld", i);
        ck_assert_ptr_eq(strmap_get(&map, key), (void *)(i + 1));
    }
    ck_assert_ptr_null(strmap_get(&map, "key-5000"));
    strmap_free(&map);
}
END_TEST

START_TEST(path_parse_steps)
{
    attr_path p;
    strbuf err = STRBUF_INIT;
    ck_assert_int_eq(path_parse(&p, "ingress[12].cidr_blocks[0]", &err), 0);
    ck_assert_uint_eq(p.count, 4);
    ck_assert_str_eq(p.steps[0].key, "ingress");
    ck_assert_ptr_null(p.steps[1].key);
    ck_assert_uint_eq(p.steps[1].index, 12);
    ck_assert_str_eq(p.steps[2].key, "cidr_blocks");
    ck_assert_uint_eq(p.steps[3].index, 0);
    path_free(&p);

    ck_assert_int_eq(path_parse(&p, "tags[\"Cost \\\"Center\\\"\"].x", &err), 0);
    ck_assert_str_eq(p.steps[1].key, "Cost \"Center\"");
    path_free(&p);
    sb_free(&err);
}
END_TEST

START_TEST(path_parse_rejects_malformed)
{
    static const char *bad[] = {"a..b", "a[", "a[x]", "[\"open", "1abc", "a.b]", "a b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        attr_path p;
        strbuf err = STRBUF_INIT;
        ck_assert_msg(path_parse(&p, bad[i], &err) == -1, "accepted %s", bad[i]);
        ck_assert_msg(strstr(sb_str(&err), "invalid attribute path") != NULL, "%s", sb_str(&err));
        sb_free(&err);
    }
}
END_TEST

START_TEST(path_prefix_respects_steps)
{
    ck_assert(path_has_prefix("ingress[0].cidr_blocks", "ingress"));
    ck_assert(path_has_prefix("ingress", "ingress"));
    ck_assert(!path_has_prefix("ingress_rules", "ingress"));
    ck_assert(path_has_prefix("a.b", ""));
}
END_TEST

START_TEST(mask_mark_and_cursor)
{
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), 0);
    json_t *attrs = json_pack("{s:[{s:i}, {s:i}], s:s}", "ingress", "from_port", 22,
                              "from_port", 80, "name", "web");
    json_t *mask = NULL;
    ck_assert_int_eq(mask_mark_unknown(&mask, "ingress[1].cidr_blocks"), 0);
    soc2_resource *r = resource_new(s, "aws_security_group.web", "aws_security_group", NULL,
                                    attrs, mask);
    ck_assert_ptr_nonnull(r);

    cursor root, a, b, c, d;
    cursor_root(&root, r);
    cursor_child_key(&a, &root, "ingress");
    ck_assert(cursor_has_unknown(&a));
    cursor_child_index(&b, &a, 1);
    cursor_child_key(&c, &b, "cidr_blocks");
    ck_assert_int_eq(cursor_state(&c), VALUE_UNKNOWN);
    cursor_child_index(&d, &a, 0);
    ck_assert(!cursor_has_unknown(&d));
    cursor_child_key(&d, &root, "name");
    ck_assert_int_eq(cursor_state(&d), VALUE_PRESENT);

    strbuf path = STRBUF_INIT;
    cursor_render_path(&c, &path);
    ck_assert_str_eq(sb_str(&path), "ingress[1].cidr_blocks");
    sb_free(&path);

    resource_free(r);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(mask_prune_keeps_indexes)
{
    json_t *mask = json_pack("{s:[b, {s:b}], s:b, s:{}}", "a", 0, "x", 1, "b", 0, "c");
    mask = mask_prune(mask);
    ck_assert_ptr_nonnull(mask);
    ck_assert_ptr_null(json_object_get(mask, "b"));
    ck_assert_ptr_null(json_object_get(mask, "c"));
    ck_assert_uint_eq(json_array_size(json_object_get(mask, "a")), 2);
    json_decref(mask);
    ck_assert_ptr_null(mask_prune(json_pack("{s:b, s:[b]}", "a", 0, "b", 0)));
}
END_TEST

START_TEST(lenient_equality)
{
    json_t *t = json_true(), *st = json_string("TRUE"), *n = json_integer(22),
           *sn = json_string("22"), *s22x = json_string("22x");
    ck_assert(json_lenient_equal(t, st, 0));
    ck_assert(json_lenient_equal(n, sn, 0));
    ck_assert(!json_lenient_equal(n, s22x, 0));
    json_decref(st);
    json_decref(n);
    json_decref(sn);
    json_decref(s22x);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, strbuf_printf_grows);
    tcase_add_test(tc, strmap_put_get_many);
    tcase_add_test(tc, path_parse_steps);
    tcase_add_test(tc, path_parse_rejects_malformed);
    tcase_add_test(tc, path_prefix_respects_steps);
    tcase_add_test(tc, mask_mark_and_cursor);
    tcase_add_test(tc, mask_prune_keeps_indexes);
    tcase_add_test(tc, lenient_equality);
    suite_add_tcase(s, tc);
    return s;
}
