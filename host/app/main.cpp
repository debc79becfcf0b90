#include "host/app/cli.hpp"

int main(int argc, char** argv) {
  return warden::host::run_cli(argc, argv);
}
