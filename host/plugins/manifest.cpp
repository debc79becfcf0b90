#include "host/plugins/manifest.hpp"

#include "host/plugins/folder_paths.hpp"
#include "host/plugins/help_markdown.hpp"
#include "host/runtime/json_number.hpp"

#include <warden/version.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <limits>
#include <regex>
#include <set>

namespace warden::host {
namespace fs = std::filesystem;
using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

constexpr std::size_t kMaxManifestBytes = 1 << 20;
constexpr std::size_t kMaxHelpBytes = 1 << 20;
constexpr std::size_t kMaxDefaultFileBytes = 1 << 20;
constexpr std::size_t kMaxVersionLength = 128;
constexpr std::size_t kMaxGroupCharacters = 64;
constexpr std::int64_t kMaxManifestInteger = std::numeric_limits<int>::max();  // ordinal, sdk

const std::set<std::string, std::less<>> kTopLevelProperties = {
    "$schema", "key",         "kind",   "name",   "version",  "sdk",
    "library", "description", "fields", "author", "homepage", "group"};
const std::set<std::string, std::less<>> kFieldProperties = {
    "type",         "ordinal",  "validate", "label",        "placeholder", "help",  "default",
    "default_file", "advanced", "options",  "options_from", "identity",    "secret"};
const std::set<std::string, std::less<>> kOptionLists = {"channels", "solutions", "timer_actions"};

std::string in_quotes(const std::string& s) {
  return "\"" + s + "\"";
}

std::string describe(const Var& v) {
  if (v.isString()) return in_quotes(v.toString());
  if (v.isEmpty()) return "null";
  try {
    return v.toString();
  } catch (...) {
    return "(value)";
  }
}

/// "the number 18446744073709551617 on line 3 does not fit in 64 bits" (Poco would misread it).
std::string too_large(std::string_view text, const NumberSpan& number) {
  constexpr std::size_t kShown = 40;
  const auto digits = text.substr(number.offset, number.length);
  const auto line = 1 + std::count(text.begin(), text.begin() + number.offset, '\n');
  return "the number " + std::string(digits.substr(0, kShown)) +
         (digits.size() > kShown ? "…" : "") + " on line " + std::to_string(line) +
         " does not fit in 64 bits";
}

/// An identifier-like heading (`## smtpHost`), which must then name a field.
bool is_word(std::string_view text) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return !text.empty() && letter(text.front()) &&
         std::all_of(text.begin(), text.end(), [&](char c) { return letter(c) || digit(c); });
}

std::optional<Kind> parse_kind(const std::string& s) {
  if (s == "solution") return Kind::solution;
  if (s == "alert_channel") return Kind::alert_channel;
  if (s == "timer_action") return Kind::timer_action;
  return std::nullopt;
}

/// Collects problems of one manifest with the folder's file label already applied.
class ManifestChecker {
 public:
  ManifestChecker(fs::path folder, std::string label, Problems& problems)
      : folder_(std::move(folder)),
        label_(std::move(label)),
        file_(label_ + "/manifest.json"),
        problems_(problems) {}

  std::optional<Manifest> check() {
    if (!entry_exists(folder_ / "manifest.json")) return fail(label_ + "/", "", "no manifest.json");
    std::string error;
    auto text = read_file_inside(folder_, "manifest.json", kMaxManifestBytes, error);
    if (!text) return fail(file_, "", error);
    if (const auto number = integer_beyond_64_bits(*text))
      return fail(file_, "", "invalid JSON: " + too_large(*text, *number));
    Object::Ptr root;
    try {
      Var parsed = Poco::JSON::Parser().parse(*text);
      if (parsed.type() != typeid(Object::Ptr)) return fail(file_, "", "must be a JSON object");
      root = parsed.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
      return fail(file_, "", "invalid JSON: " + e.displayText());
    }
    Manifest m;
    check_top_level(*root, m);
    std::vector<FieldSpec> fields = check_fields(*root);
    merge_help(m, fields);
    if (problems_found_) return std::nullopt;
    m.schema = ConfigSchema(std::move(fields));
    return m;
  }

 private:
  std::nullopt_t fail(const std::string& file, const std::string& path, std::string message) {
    problems_.push_back({file, path, std::move(message)});
    problems_found_ = true;
    return std::nullopt;
  }
  void problem(const std::string& path, std::string message) {
    fail(file_, path, std::move(message));
  }

  std::optional<std::string> string_property(const Object& o, const std::string& name,
                                             const std::string& path, bool required) {
    if (!o.has(name) || o.isNull(name)) {
      if (required) problem(path, "is required");
      return std::nullopt;
    }
    Var v = o.get(name);
    if (!v.isString()) {
      problem(path, "must be a string");
      return std::nullopt;
    }
    return v.toString();
  }

  void check_top_level(const Object& root, Manifest& m) {
    for (const auto& [name, value] : root)
      if (!kTopLevelProperties.contains(name)) problem(name, "unknown property");

    if (auto key = string_property(root, "key", "key", true)) {
      m.key = *key;
      if (!is_valid_plugin_key(*key))
        problem("key", "invalid key " + in_quotes(*key) + ": use [a-z][a-z0-9_]{0,62}");
      else if (*key != folder_.filename().string())
        problem("key", "key " + in_quotes(*key) + " does not match the folder's name " +
                           in_quotes(folder_.filename().string()));
    }
    if (auto kind = string_property(root, "kind", "kind", true)) {
      if (auto k = parse_kind(*kind))
        m.kind = *k;
      else
        problem("kind", "unknown kind " + in_quotes(*kind) +
                            " (expected solution, alert_channel or timer_action)");
    }
    if (auto name = string_property(root, "name", "name", true)) m.name = *name;
    if (auto version = string_property(root, "version", "version", true)) {
      m.version = *version;
      static const std::regex semver(R"(\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?)");
      // std::regex recurses once per character: a length bound keeps a hostile one off the stack.
      if (version->size() > kMaxVersionLength)
        problem("version", "is longer than " + std::to_string(kMaxVersionLength) + " characters");
      else if (!std::regex_match(*version, semver))
        problem("version", "version " + in_quotes(*version) + " is not MAJOR.MINOR.PATCH");
    }
    if (auto d = string_property(root, "description", "description", false)) m.description = *d;
    check_group(root, m);
    check_sdk(root, m);
    if (auto library = string_property(root, "library", "library", true)) {
      m.library = *library;
      fs::path lib(*library);
      auto normal = lib.lexically_normal();
      if (lib.is_absolute() || normal.empty() || *normal.begin() == "..")
        problem("library", "library path " + in_quotes(*library) + " escapes the plugin folder");
    }
  }

  void check_group(const Object& root, Manifest& m) {
    auto group = string_property(root, "group", "group", false);
    if (!group) return;
    const auto characters = std::count_if(group->begin(), group->end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // UTF-8: not a continuation byte
    });
    if (group->find_first_not_of(" \t\r\n") == std::string::npos)
      problem("group", "must not be empty");
    else if (static_cast<std::size_t>(characters) > kMaxGroupCharacters)
      problem("group", "is longer than " + std::to_string(kMaxGroupCharacters) + " characters");
    else
      m.group = *group;
  }

  void check_sdk(const Object& root, Manifest& m) {
    if (!root.has("sdk")) return problem("sdk", "is required");
    Var v = root.get("sdk");
    const auto sdk = whole_number(v, 0, kMaxManifestInteger);
    if (!sdk)
      return problem("sdk",
                     whole_number_refusal(v, 0, kMaxManifestInteger) + " (the SDK major version)");
    m.sdk = static_cast<int>(*sdk);
    if (m.sdk != WARDEN_SDK_MAJOR)
      problem("sdk", "built for SDK " + std::to_string(m.sdk) + ", but this host speaks SDK " +
                         std::to_string(WARDEN_SDK_MAJOR) + "; the library was not opened");
  }

  std::vector<FieldSpec> check_fields(const Object& root) {
    std::vector<FieldSpec> out;
    if (!root.has("fields")) return out;
    Object::Ptr fields = root.getObject("fields");
    if (!fields) {
      problem("fields", "must be an object of field name -> field");
      return out;
    }
    static const std::regex field_name(R"([A-Za-z_][A-Za-z0-9_]{0,63})");
    for (const auto& [name, value] : *fields) {
      std::string path = "fields." + name;
      if (!std::regex_match(name, field_name)) {
        problem(path, "invalid field name (use letters, digits and _)");
        continue;
      }
      if (value.type() != typeid(Object::Ptr)) {
        problem(path, "must be an object");
        continue;
      }
      if (auto f = check_field(name, *value.extract<Object::Ptr>(), path)) out.push_back(*f);
    }
    return out;
  }

  std::optional<FieldSpec> check_field(const std::string& name, const Object& o,
                                       const std::string& path) {
    std::size_t before = problems_.size();
    FieldSpec f;
    f.name = name;
    for (const auto& [prop, value] : o)
      if (!kFieldProperties.contains(prop)) problem(path + "." + prop, "unknown property");

    if (auto type = string_property(o, "type", path + ".type", true)) {
      if (auto t = parse_field_type(*type))
        f.type = *t;
      else
        problem(path + ".type", "unknown field type " + in_quotes(*type));
    }
    if (!o.has("ordinal"))
      problem(path + ".ordinal", "is required");
    else if (auto ordinal = whole_number(o.get("ordinal"), 0, kMaxManifestInteger))
      f.ordinal = static_cast<int>(*ordinal);
    else
      problem(path + ".ordinal", whole_number_refusal(o.get("ordinal"), 0, kMaxManifestInteger));

    check_validators(o, path, f);
    f.label = string_property(o, "label", path + ".label", false).value_or(name);
    f.placeholder = string_property(o, "placeholder", path + ".placeholder", false).value_or("");
    f.help = string_property(o, "help", path + ".help", false).value_or("");
    f.advanced = bool_property(o, "advanced", path);
    f.identity = bool_property(o, "identity", path);
    f.secret = bool_property(o, "secret", path);
    if (problems_.size() != before) return std::nullopt;  // options/defaults need a known type

    check_options(o, path, f);
    check_default(o, path, f);
    if (f.advanced && !f.default_value)
      problem(path + ".advanced", "an advanced field must have a default or default_file");
    return problems_.size() == before ? std::optional(f) : std::nullopt;
  }

  bool bool_property(const Object& o, const std::string& name, const std::string& path) {
    if (!o.has(name)) return false;
    Var v = o.get(name);
    if (!v.isBoolean()) {
      problem(path + "." + name, "must be true or false");
      return false;
    }
    return v.extract<bool>();
  }

  void check_validators(const Object& o, const std::string& path, FieldSpec& f) {
    if (!o.has("validate")) return;
    Array::Ptr list = o.getArray("validate");
    if (!list) return problem(path + ".validate", "must be a list of validator names");
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::string at = path + ".validate[" + std::to_string(i) + "]";
      Var v = list->get(i);
      if (!v.isString())
        problem(at, "must be a validator name");
      else if (!is_known_validator(v.toString()))
        problem(at, "unknown validator " + in_quotes(v.toString()));
      else
        f.validators.push_back(v.toString());
    }
  }

  void check_options(const Object& o, const std::string& path, FieldSpec& f) {
    bool selectable = f.type == FieldType::selectable || f.type == FieldType::multi_selectable;
    if (o.has("options_from")) {
      auto from = string_property(o, "options_from", path + ".options_from", true);
      if (!selectable)
        problem(path + ".options_from",
                "only selectable and multi_selectable fields take options_from");
      else if (from && !kOptionLists.contains(*from))
        problem(path + ".options_from", "unknown list " + in_quotes(*from) +
                                            " (expected channels, solutions or timer_actions)");
      else if (from)
        f.options_from = *from;
    }
    if (!o.has("options")) {
      if (f.type == FieldType::enum_) problem(path + ".options", "an enum field needs options");
      return;
    }
    if (f.type != FieldType::enum_ && !selectable)
      return problem(path + ".options", "only enum and selectable fields take options");
    Array::Ptr list = o.getArray("options");
    if (!list || list->size() == 0)
      return problem(path + ".options", "must be a non-empty list of {\"label\", \"value\"}");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::string at = path + ".options[" + std::to_string(i) + "]";
      Object::Ptr option = list->getObject(i);
      if (!option || !option->has("value") || option->isNull("value")) {
        problem(at, "must be an object with a value (and a label)");
        continue;
      }
      Var value = option->get("value");
      if (value.isArray() || value.type() == typeid(Object::Ptr)) {
        problem(at + ".value", "must be a string, number or boolean");
        continue;
      }
      if (!seen.insert(value.toString()).second)
        problem(at + ".value", "duplicate option value " + describe(value));
      auto label = string_property(*option, "label", at + ".label", false);
      f.options.push_back({label.value_or(value.toString()), value});
    }
  }

  void check_default(const Object& o, const std::string& path, FieldSpec& f) {
    bool has_default = o.has("default") && !o.isNull("default");
    if (has_default && o.has("default_file"))
      return problem(path, "has both default and default_file; keep one");
    Var value;
    std::string at = path + ".default";
    if (has_default) {
      value = o.get("default");
    } else if (auto file = string_property(o, "default_file", path + ".default_file", false)) {
      at = path + ".default_file";
      f.default_file = *file;
      std::string error;
      auto resolved = resolve_inside(folder_, *file, error);
      if (!resolved) return problem(at, error);
      auto text = read_text_file(*resolved, kMaxDefaultFileBytes, error);
      if (!text) return problem(at, in_quotes(*file) + ": " + error);
      value = *text;
    } else {
      return;
    }
    auto checked = ConfigSchema::check(f, value);
    if (auto* message = std::get_if<std::string>(&checked))
      return problem(
          at, "default " + (f.default_file.empty() ? describe(value) : in_quotes(f.default_file)) +
                  " is refused by its own field: " + *message);
    f.default_value = std::get<Var>(checked);
  }

  void merge_help(Manifest& m, std::vector<FieldSpec>& fields) {
    if (!entry_exists(folder_ / "help.md")) return;
    std::string error;
    auto text = read_file_inside(folder_, "help.md", kMaxHelpBytes, error);
    if (!text) return (void)fail(label_ + "/help.md", "", error);
    HelpDoc doc = split_help(*text);
    m.overview = doc.overview;
    for (const auto& [heading, section] : doc.sections) {
      const std::string& name = heading;  // clang 14 cannot capture a structured binding
      auto field = std::find_if(fields.begin(), fields.end(),
                                [&](const FieldSpec& f) { return f.name == name; });
      if (field != fields.end()) {
        field->help = section;  // Markdown wins over the JSON help
      } else if (is_word(name)) {
        fail(label_ + "/help.md", "## " + name, "no field named " + in_quotes(name));
      } else {
        // A prose heading ("## How it works") belongs to the overview.
        m.overview += "\n\n## " + name + "\n\n" + section;
      }
    }
  }

  fs::path folder_;
  std::string label_;
  std::string file_;
  Problems& problems_;
  bool problems_found_ = false;
};

}  // namespace

bool is_valid_plugin_key(std::string_view key) {
  static const std::regex pattern("[a-z][a-z0-9_]{0,62}");
  return std::regex_match(key.begin(), key.end(), pattern);
}

std::optional<Manifest> read_manifest(const fs::path& folder, const std::string& folder_label,
                                      Problems& problems) {
  return ManifestChecker(folder, folder_label, problems).check();
}

}  // namespace warden::host
