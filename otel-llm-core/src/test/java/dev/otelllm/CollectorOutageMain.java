package dev.otelllm;

import dev.otelllm.internal.ScriptedProvider;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a JVM with a small heap by ExportPipelineTest: 1,000 calls with 200 KB prompts to a
 * collector that accepts connections and never answers, with the export content policy the first
 * argument names (none or full). Prints the counts.
 */
public final class CollectorOutageMain {
  private CollectorOutageMain() {}

  public static void main(String[] args) throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // reads nothing, answers nothing
                  }
                } catch (Exception closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      ContentCapture policy =
          args[0].equals("full") ? ContentCapture.full() : ContentCapture.none();
      LlmTracing tracing =
          LlmTracing.builder()
              .maxInteractions(5)
              .exportContentCapture(policy)
              .exportOtlp(
                  OtlpExport.builder()
                      .endpoint("http://127.0.0.1:" + silent.getLocalPort())
                      .metrics(false)
                      .timeout(Duration.ofSeconds(2))
                      .build())
              .closeTimeout(Duration.ofSeconds(1))
              .build();
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
      String prompt = "p".repeat(200_000);
      int calls = 0;
      for (int i = 0; i < 1000; i++) {
        client.generate(prompt + i);
        calls++;
      }
      tracing.close();
      System.out.println("calls=" + calls + " " + tracing.exportStats());
    }
    System.exit(0);
  }
}
