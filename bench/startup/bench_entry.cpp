// The bundled `test` solution exported under a key chosen at link time, so that the start-up
// benchmark can stage many copies of one bundled plugin under distinct keys.
#include "plugins/test/test_solution.hpp"

extern "C" const char* const warden_bench_key;

WARDEN_PLUGIN(warden::plugins::TestSolution, warden_bench_key)
