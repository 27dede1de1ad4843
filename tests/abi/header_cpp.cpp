// Compiles the public headers as C++ and calls the library through them,
// which checks the extern "C" wrapping.
#include <soc2/soc2.h>

#include <cstring>

int main()
{
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    (void)options;
    return std::strcmp(soc2_version(), SOC2_VERSION_STRING) == 0 ? 0 : 1;
}
