#include "agent/store/sqlite_db.h"

#include <stdexcept>

namespace apisensor::store {

Database::Database(const std::string& path) : path_(path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error("cannot open the store " + path + " (" + sqlite3_errstr(rc) +
                             "): check that its directory exists and is writable, or choose "
                             "another with --db.");
  }
  sqlite3_busy_timeout(db_.get(), 5000);  // a second reader (the CLI) must not fail the writer
}

void Database::Fail(std::string_view what) const {
  throw std::runtime_error("store " + path_ + ": " + std::string(what) + " failed (" +
                           sqlite3_errmsg(db_.get()) + ")");
}

void Database::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("store " + path_ + ": " + message);
  }
}

Statement Database::Prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql, -1, &stmt, nullptr) != SQLITE_OK) Fail("prepare");
  return Statement(*this, stmt);
}

int Database::UserVersion() {
  Statement s = Prepare("PRAGMA user_version");
  return s.Step() ? static_cast<int>(s.Int(0)) : 0;
}

Statement& Statement::Bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_->Fail("bind");
  }
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) db_->Fail("bind");
  return *this;
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->Fail("step");
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string_view Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  return text ? std::string_view(text,
                                 static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)))
              : std::string_view();
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

}  // namespace apisensor::store
