// Thin RAII over the SQLite C API: a connection, prepared statements, and errors as exceptions
// that name the database file. Only what the store needs.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace apisensor::store {

class Statement;

class Database {
 public:
  // Opens (creating when missing) `path`; throws std::runtime_error with one sentence.
  explicit Database(const std::string& path);
  void Exec(const char* sql);
  Statement Prepare(const char* sql);
  int UserVersion();
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_.get(); }
  [[noreturn]] void Fail(std::string_view what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

class Statement {
 public:
  Statement(const Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  // True while a row is available; throws on error.
  bool Step();
  void Run();  // Step to completion, then reset for reuse
  void Reset();
  std::string_view Text(int column) const;
  int64_t Int(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  const Database* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace apisensor::store
