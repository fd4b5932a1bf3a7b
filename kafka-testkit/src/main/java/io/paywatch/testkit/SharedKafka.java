package io.paywatch.testkit;

import java.util.Locale;

/**
 * The one broker of a test JVM. It starts on first use and stops when the JVM exits, so every test
 * class in a module run shares it.
 */
public final class SharedKafka {

    /** System property that picks the broker: {@code embedded} (default) or {@code testcontainers}. */
    public static final String BROKER_PROPERTY = "paywatch.test.broker";

    private static KafkaBroker broker;

    private SharedKafka() {
    }

    /** The shared broker, started if needed. */
    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            long start = System.nanoTime();
            String kind = System.getProperty(BROKER_PROPERTY, "embedded").toLowerCase(Locale.ROOT);
            broker = switch (kind) {
                case "embedded" -> EmbeddedKafkaBroker.start();
                case "testcontainers" -> ContainerKafkaBroker.start();
                default -> throw new IllegalArgumentException(
                        BROKER_PROPERTY + " must be embedded or testcontainers, was " + kind);
            };
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[kafka-testkit] %s started in %d ms%n", broker.describe(), millis);
            KafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // The JVM is already exiting: a broker or controller that hits a fatal fault while it closes calls
                // Kafka's Exit.halt(1), which would turn a run whose tests all passed into a failed fork. Ignore it.
                org.apache.kafka.common.utils.Exit.setHaltProcedure((code, message) -> { });
                org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) -> { });
                started.close();
            }, "kafka-testkit-shutdown"));
        }
        return broker;
    }

    /** Bootstrap servers of the shared broker, starting it if needed. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }
}
