// Reading a user's input file (config, layer file, .npy, test list, vector) safely: only regular
// files, at most a given number of bytes (docs/reliability.md). Directories, devices, FIFOs and
// sockets are refused before a byte is read, a file whose size is over the cap is refused unread,
// and at most its size + 1 bytes are read, so no input can make a reader block on a pipe, read an
// endless stream or allocate without bound.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace salsa {

// The size caps of the readers (docs/reliability.md).
inline constexpr size_t kMaxYamlFileBytes = size_t{1} << 20;     // configs, layer files, test lists
inline constexpr size_t kMaxVectorFileBytes = size_t{16} << 20;  // TFLite vectors (JSON)

// What a file that is not a regular one is, for messages ("a directory", "a FIFO", ...).
inline const char* FileKindName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Reads the regular file `path` into `out` (a std::string or std::vector of bytes). Returns "" on
// success, else the reason (one line, without the path): "No such file or directory", "it is a
// directory, not a regular file", "larger than 1048576 bytes", ...
template <typename Buffer>
std::string ReadRegularFile(const std::string& path, size_t max_bytes, Buffer* out) {
  out->clear();
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (!S_ISREG(st.st_mode)) {
    return std::string("it is ") + FileKindName(st.st_mode) + ", not a regular file";
  }
  // O_NONBLOCK: should the path have become a FIFO since the stat, open does not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  std::string problem;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "it is not a regular file";
  } else if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    problem = "larger than " + std::to_string(max_bytes) + " bytes";
  } else {
    // Exactly the size fstat gave, then one read to see the end: a file that yields more (it grew
    // while being read, or a pseudo-file such as /proc/self/status, which reports size 0) is
    // refused, so no reader ever holds more than the size the cap was checked against.
    const size_t size = static_cast<size_t>(st.st_size);
    out->resize(size);
    size_t have = 0;
    while (problem.empty()) {
      char extra;
      char* dst = have < size ? reinterpret_cast<char*>(&(*out)[have]) : &extra;
      const ssize_t n = ::read(fd, dst, have < size ? size - have : 1);
      if (n < 0) {
        if (errno == EINTR) continue;
        problem = std::string("read error: ") + std::strerror(errno);
      } else if (n == 0) {
        break;
      } else if (have < size) {
        have += static_cast<size_t>(n);
      } else {
        problem = "it holds more than the " + std::to_string(size) +
                  " bytes its size says (it changed while being read, or is a pseudo-file)";
      }
    }
    out->resize(have);
  }
  ::close(fd);
  if (!problem.empty()) out->clear();
  return problem;
}

}  // namespace salsa
