package dev.otelllm;

/**
 * Run by OtlpExportTest in a JVM whose classpath has the gRPC sender but not okhttp: prints what
 * building a gRPC export says.
 */
public final class GrpcSenderWithoutOkHttpMain {
  private GrpcSenderWithoutOkHttpMain() {}

  public static void main(String[] args) {
    try {
      LlmTracing.builder()
          .exportOtlp(OtlpExport.builder().protocol(OtlpExport.Protocol.GRPC).build())
          .build()
          .close();
      System.out.println("built");
    } catch (RuntimeException e) {
      System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    System.exit(0);
  }
}
