#include "host/store/secret_key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace warden::host {
namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

std::filesystem::path default_secret_key_file(const std::string& database_uri) {
  if (!database_uri.starts_with("sqlite:")) return {};
  std::filesystem::path file = database_uri.substr(7);
  if (file.empty() || file.string().starts_with(":memory:") || file.string().starts_with("file:"))
    return {};
  return file.replace_extension(".key");
}

std::string read_secret_key_file(const std::filesystem::path& file) {
  const std::string name = "key file " + file.string();
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    throw SecretError("cannot read " + name + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw SecretError(name + " is not a regular file");
  if (st.st_mode & 077)
    throw SecretError(name + " is readable or writable by others (mode " + octal_mode(st.st_mode) +
                      "); run chmod 600 " + file.string());
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SecretError("cannot read " + name + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_secret_key(text.str(), name);
}

void write_secret_key_file(const std::filesystem::path& file, const SecretBox& key) {
  const std::string name = "key file " + file.string();
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw SecretError("cannot create " + name + ": " + std::strerror(errno));
  const std::string text = key.key_hex() + "\n";
  // fchmod: the umask may have taken bits away, never added; 0600 exactly either way.
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(file, ec);
    throw SecretError("cannot write " + name + ": " + std::strerror(error));
  }
}

std::string SecretKeySource::where_looked() const {
  if (file.empty())
    return "WARDEN_SECRET_KEY is not set and no key file applies (set secret_key_file)";
  return "WARDEN_SECRET_KEY is not set and the key file " + file.string() + " does not exist";
}

SecretKeySource find_secret_key(const char* env_key, const std::filesystem::path& file,
                                bool create) {
  SecretKeySource source;
  if (env_key && *env_key) {
    source.box.emplace(parse_secret_key(env_key, "WARDEN_SECRET_KEY"), "WARDEN_SECRET_KEY");
    return source;
  }
  source.file = file;
  if (file.empty()) return source;
  const std::string origin = "key file " + file.string();
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(file, ec))) {
    source.box.emplace(read_secret_key_file(file), origin);
  } else if (create) {
    source.box.emplace(random_secret_key(), origin);
    write_secret_key_file(file, *source.box);
    source.created = true;
  }
  return source;
}

}  // namespace warden::host
