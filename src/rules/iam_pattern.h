/* IAM wildcard patterns, as the Action, NotAction, Resource and NotResource
 * elements write them: `*` matches any run of characters and `?` any one.
 * Besides matching one string, the functions below decide whether a set of
 * patterns together matches every action, every action of one service, or
 * every resource ARN, which is what the IAM operators need to know. */
#ifndef SOC2_RULES_IAM_PATTERN_H
#define SOC2_RULES_IAM_PATTERN_H

#include <stddef.h>

/* Returns whether `text` matches the action pattern `pattern`: ASCII case
 * is ignored, `*` matches any run of characters and `?` any one. */
int iam_action_matches(const char *pattern, const char *text);

typedef enum iam_cover {
    IAM_COVER_NO = 0,
    IAM_COVER_YES = 1,
    /* The patterns are too many or too intricate to decide within the
     * search limits of iam_pattern.c. */
    IAM_COVER_UNDECIDED = -1
} iam_cover;

/* Decides whether the union of `patterns` matches every action name
 * "<service>:<Action>", where the service prefix is letters, digits and
 * hyphens and the action letters and digits, in any case. "*", "*:*",
 * "?*" and "**" do; ["a*", ..., "z*", "0*", ..., "9*"] does as a whole. */
iam_cover iam_patterns_cover_actions(const char *const *patterns, size_t count);

/* Decides whether the union of `patterns` matches every action of the
 * service with prefix `service` (lower case, such as "iam"): "iam:*",
 * "IAM:?*", "i*" and "*" do, "iam:Get*" does not. */
iam_cover iam_patterns_cover_service(const char *const *patterns, size_t count,
                                     const char *service);

/* Decides whether the union of `patterns` matches every resource ARN
 * "arn:<partition>:<service>:<region>:<account>:<resource>" of at least one
 * partition (aws, aws-cn, aws-us-gov and the others AWS documents). One
 * partition is enough because a policy grants access only within the
 * partition of its account, so "arn:aws:*:*:*:*" is every resource there.
 * Matching is case-sensitive, as IAM matches ARNs, and a `*` may match
 * colons: IAM lets it do so at the end of an ARN segment, and reading
 * every `*` so can only widen what a pattern is taken to match. */
iam_cover iam_patterns_cover_resources(const char *const *patterns, size_t count);

/* Returns whether some pattern matches at least one action of the service
 * with prefix `service`, such as "s3:GetObject" or "s*" for "s3". */
int iam_patterns_touch_service(const char *const *patterns, size_t count, const char *service);

/* One-pattern forms of the above; IAM_COVER_UNDECIDED counts as no. */
int iam_pattern_covers_service(const char *pattern, const char *service);
int iam_pattern_covers_all_actions(const char *pattern);

#endif
