/* PLACEHOLDER: replaced by the CloudFormation adapter. */
#include "loader.h"
int cfn_detect(const json_t *root) { (void)root; return 0; }
int cfn_load(soc2_loader *loader, json_t *root) { (void)root; return loader_fail(loader, SOC2_EFORMAT, NULL, "not implemented"); }
