package dev.otelllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.LlmClient;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's table of public types is the core module's public API: every public top-level type
 * outside {@code internal} packages is listed, and every listed type exists and is public.
 */
class PublicApiTest {

  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `(dev\\.otelllm[a-z.]*)` \\| (.*) \\|$");
  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z]*)`");

  static Map<String, Set<String>> documented() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("## The public API at a glance");
    assertThat(start).as("the README's public API section").isNotNegative();
    String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Map<String, Set<String>> out = new TreeMap<>();
    Matcher row = ROW.matcher(section);
    while (row.find()) {
      Set<String> names = new TreeSet<>();
      Matcher name = NAME.matcher(row.group(2));
      while (name.find()) {
        names.add(name.group(1));
      }
      out.put(row.group(1), names);
    }
    return out;
  }

  static Map<String, Set<String>> inTheJar() throws Exception {
    URI location = LlmClient.class.getProtectionDomain().getCodeSource().getLocation().toURI();
    Path root = Path.of(location);
    FileSystem jar = null;
    if (Files.isRegularFile(root)) {
      jar = FileSystems.newFileSystem(root);
      root = jar.getPath("/");
    }
    try (Stream<Path> files = Files.walk(root)) {
      Map<String, Set<String>> out = new TreeMap<>();
      for (Path file : (Iterable<Path>) files::iterator) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        if (!relative.endsWith(".class")
            || relative.contains("$")
            || relative.contains("/internal/")
            || relative.endsWith("package-info.class")) {
          continue;
        }
        String className = relative.substring(0, relative.length() - 6).replace('/', '.');
        Class<?> type = Class.forName(className, false, LlmClient.class.getClassLoader());
        if (Modifier.isPublic(type.getModifiers())) {
          out.computeIfAbsent(type.getPackageName(), k -> new TreeSet<>())
              .add(type.getSimpleName());
        }
      }
      return out;
    } finally {
      if (jar != null) {
        jar.close();
      }
    }
  }

  @Test
  void theReadmeListsExactlyThePublicTypesOfCore() throws Exception {
    assertThat(documented()).isEqualTo(inTheJar());
  }

  @Test
  void thePublicApiFitsOneScreen() throws Exception {
    int types = inTheJar().values().stream().mapToInt(Set::size).sum();
    assertThat(types).as("public top-level types in otel-llm-core").isLessThanOrEqualTo(40);
  }
}
