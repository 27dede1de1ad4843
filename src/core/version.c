#include <stdlib.h>

#include <soc2/common.h>
#include <soc2/version.h>

const char *soc2_version(void)
{
    return SOC2_VERSION_STRING;
}

int soc2_version_number(void)
{
    return SOC2_VERSION_NUMBER;
}

void soc2_free(void *ptr)
{
    free(ptr);
}
