package dev.otelllm.internal;

import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * Publishes a {@link TraceBuffer} so that code in another class loader of the same JVM can query
 * it: the Java agent's buffer (the extension's copy of this library, in the agent's class loader)
 * for the application (its own copy, which shares no class with the agent's but the JDK's).
 *
 * <p>The buffer is a {@link DynamicMBean} with one operation, {@value #OPERATION}, that takes a
 * query as a {@code java.util.Map} and answers a {@code java.util.Map} holding {@value
 * #VERSION_KEY} and the matching interactions in {@link InteractionForm}. It is registered in an
 * MBean server of its own, created with {@link MBeanServerFactory#createMBeanServer(String)}: other
 * code in the JVM finds it with {@link MBeanServerFactory#findMBeanServer}, while the platform
 * MBean server (the one JConsole, local attach and a remote JMX connector show) never holds it. The
 * platform server is made first, so that code taking the first listed server (Tomcat, Spring's JMX
 * support) still gets the platform one. A JMX-over-HTTP bridge that lists every server (Jolokia)
 * can see this one, as it can see everything else in the process. Not API.
 */
public final class BufferBridge implements DynamicMBean {

  private static final Logger logger = Logger.getLogger(BufferBridge.class.getName());

  /** Default domain of the MBean server that holds the buffer. */
  public static final String DOMAIN = "dev.otelllm";

  /** The buffer's name in that server. */
  public static final ObjectName NAME = objectName(DOMAIN + ":type=InteractionBuffer");

  /** The one operation: {@code Map interactions(Map query)}. */
  public static final String OPERATION = "interactions";

  /** The operation's signature. */
  public static final String[] SIGNATURE = {Map.class.getName()};

  /** Key of the answer's form version; the answer's interactions are under {@value #ITEMS_KEY}. */
  public static final String VERSION_KEY = "version";

  /** Key of the answer's list of interactions. */
  public static final String ITEMS_KEY = "interactions";

  /** The version of the answer's form that this copy writes and reads. */
  public static final long VERSION = 1;

  /** Query keys: each names one {@link TraceQuery} condition. */
  public static final String TRACE_ID = "trace_id",
      SPAN_ID = "span_id",
      SESSION_ID = "session_id",
      METADATA_KEY = "metadata_key",
      METADATA_VALUE = "metadata_value",
      ERRORS_ONLY = "errors_only",
      LAST = "last";

  private static final Set<String> QUERY_KEYS =
      Set.of(TRACE_ID, SPAN_ID, SESSION_ID, METADATA_KEY, METADATA_VALUE, ERRORS_ONLY, LAST);

  private static final Object lock = new Object();
  // Guarded by lock: the server this class loader published into, to release it again.
  private static MBeanServer published;

  private final TraceBuffer buffer;

  private BufferBridge(TraceBuffer buffer) {
    this.buffer = buffer;
  }

  /**
   * Publishes the buffer, unless a buffer is already published in this JVM (by this or another
   * class loader): the first one stays, since readers find one. Never throws.
   *
   * @return whether this buffer is now the published one
   */
  public static boolean publish(TraceBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    synchronized (lock) {
      try {
        if (find() != null) {
          logger.warning(
              "an otel-llm interaction buffer is already published in this JVM; keeping it");
          return false;
        }
        if (System.getProperty("javax.management.builder.initial") != null) {
          // The application server builds the platform MBean server its own way, later: making it
          // now would break that, and without it this server would come first (below).
          logger.info(
              "javax.management.builder.initial is set: the otel-llm interaction buffer is not"
                  + " published, AgentInteractions will not find it");
          return false;
        }
        String logManager = System.getProperty("java.util.logging.manager");
        if (logManager != null && !loadableNow(logManager)) {
          // An application server that brings its own log manager later (JBoss Modules): the
          // platform MBean server would start java.util.logging before it can. Not published;
          // AgentInteractions.require() says so.
          return false;
        }
        // Code that takes "the" MBean server takes the first one listed (Tomcat's registry,
        // Spring's JmxUtils): the platform server must be that one, not this buffer's. Making it
        // first puts it ahead in the list for good.
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
        MBeanServer server = MBeanServerFactory.createMBeanServer(DOMAIN);
        server.registerMBean(new BufferBridge(buffer), NAME);
        published = server;
        return true;
      } catch (JMException | RuntimeException e) {
        logger.log(Level.WARNING, "cannot publish the otel-llm interaction buffer", e);
        return false;
      }
    }
  }

  private static boolean loadableNow(String className) {
    try {
      Class.forName(className, false, ClassLoader.getSystemClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Withdraws what {@link #publish} published from this class loader, if anything. */
  public static void unpublish() {
    synchronized (lock) {
      if (published != null) {
        try {
          // Readers that already found the server hold it: take the buffer out of it too.
          published.unregisterMBean(NAME);
        } catch (JMException e) {
          logger.log(Level.FINE, "the otel-llm interaction buffer was already withdrawn", e);
        }
        MBeanServerFactory.releaseMBeanServer(published);
        published = null;
      }
    }
  }

  /** The MBean server that holds a published buffer, from any class loader, or null. */
  public static MBeanServer find() {
    for (MBeanServer server : MBeanServerFactory.findMBeanServer(null)) {
      if (server.isRegistered(NAME)) {
        return server;
      }
    }
    return null;
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature)
      throws ReflectionException {
    if (!OPERATION.equals(actionName)
        || params == null
        || params.length != 1
        || !(params[0] instanceof Map<?, ?> query)) {
      throw new ReflectionException(
          new NoSuchMethodException(actionName),
          "the otel-llm interaction buffer answers only " + OPERATION + "(java.util.Map)");
    }
    List<Interaction> traces = buffer.getTraces(toQuery(query));
    List<Object> items = new ArrayList<>(traces.size());
    for (Interaction t : traces) {
      items.add(InteractionForm.toMap(t));
    }
    Map<String, Object> answer = new LinkedHashMap<>(4);
    answer.put(VERSION_KEY, VERSION);
    answer.put(ITEMS_KEY, items);
    return answer;
  }

  /**
   * The query a map of {@link #QUERY_KEYS} describes.
   *
   * @throws IllegalArgumentException for a key this version does not know (the reader is newer and
   *     asks for a condition this buffer cannot apply) or a value of the wrong type
   */
  static TraceQuery toQuery(Map<?, ?> m) {
    for (Object key : m.keySet()) {
      if (!QUERY_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown query condition '"
                + key
                + "': the application's otel-llm is newer than the agent extension's");
      }
    }
    TraceQuery q = TraceQuery.all();
    if (m.get(TRACE_ID) instanceof String s) {
      q = q.andTraceId(s);
    }
    if (m.get(SPAN_ID) instanceof String s) {
      q = q.andSpanId(s);
    }
    if (m.get(SESSION_ID) instanceof String s) {
      q = q.andSession(s);
    }
    if (m.get(METADATA_KEY) instanceof String s) {
      q = q.andMetadata(s, m.get(METADATA_VALUE));
    }
    if (Boolean.TRUE.equals(m.get(ERRORS_ONLY))) {
      q = q.andErrorsOnly();
    }
    if (m.get(LAST) instanceof Number n) {
      q = q.andLast(n.intValue());
    }
    return q;
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    MBeanParameterInfo query =
        new MBeanParameterInfo(
            "query", Map.class.getName(), "conditions, keyed as TraceQuery's: " + QUERY_KEYS);
    MBeanOperationInfo op =
        new MBeanOperationInfo(
            OPERATION,
            "the kept interactions that match, oldest first",
            new MBeanParameterInfo[] {query},
            Map.class.getName(),
            MBeanOperationInfo.INFO);
    return new MBeanInfo(
        BufferBridge.class.getName(),
        "the otel-llm interaction buffer of this JVM's OpenTelemetry Java agent",
        null,
        null,
        new MBeanOperationInfo[] {op},
        null);
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException(attribute);
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException(attribute.getName());
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    return new AttributeList();
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  private static ObjectName objectName(String name) {
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }
}
