/* PLACEHOLDER: replaced by the tfstate adapter. */
#include "loader.h"
int tfstate_detect(const json_t *root) { (void)root; return 0; }
int tfstate_load(soc2_loader *loader, json_t *root) { (void)root; return loader_fail(loader, SOC2_EFORMAT, NULL, "not implemented"); }
