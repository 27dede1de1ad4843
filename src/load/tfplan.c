/* PLACEHOLDER: replaced by the Terraform plan adapter. */
#include "loader.h"
int tfplan_detect(const json_t *root) { (void)root; return 0; }
int tfplan_load(soc2_loader *loader, json_t *root) { (void)root; return loader_fail(loader, SOC2_EFORMAT, NULL, "not implemented"); }
