#include "test_solution.hpp"

WARDEN_PLUGIN(warden::plugins::TestSolution, "test")
