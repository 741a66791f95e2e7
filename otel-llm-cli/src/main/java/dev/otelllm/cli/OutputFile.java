package dev.otelllm.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code --out} file, written beside its target under a temporary name and moved into place
 * only when the run succeeds: a failed run leaves neither an empty nor a half-written file, and an
 * existing file is replaced only by a complete one.
 */
final class OutputFile {
  private final Path target;
  private final Path temp;
  private final OutputStream stream;

  private OutputFile(Path target, Path temp, OutputStream stream) {
    this.target = target;
    this.temp = temp;
    this.stream = stream;
  }

  static OutputFile open(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new FileSystemException(target.toString(), null, "is a directory");
    }
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + absolute.getFileName(), ".partial");
    return new OutputFile(absolute, temp, new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16));
  }

  OutputStream stream() {
    return stream;
  }

  void commit() throws IOException {
    stream.close();
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  void discard() {
    try {
      stream.close();
    } catch (IOException ignored) {
      // the file goes either way
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // nothing more can be done; the temporary name says it is partial
    }
  }

  /** One line: which file, and why it cannot be written. */
  static String describe(Path out, IOException e) {
    String why;
    if (e instanceof AccessDeniedException) {
      why = "permission denied";
    } else if (e instanceof FileAlreadyExistsException f) {
      why = f.getFile() + " exists and is not a folder";
    } else if (e instanceof NoSuchFileException f) {
      why = "no such folder: " + f.getFile();
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      why = f.getReason().toLowerCase(java.util.Locale.ROOT);
    } else {
      why = String.valueOf(e.getMessage());
    }
    return "cannot write " + out + ": " + why;
  }
}
