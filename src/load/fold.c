/* PLACEHOLDER: replaced by the folding of split configuration. */
#include "loader.h"
int fold_document(soc2_loader *loader) { (void)loader; return 0; }
