package io.paywatch.testkit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** The same broker as a Testcontainers apache/kafka container, for machines that have Docker. */
public final class ContainerKafkaBroker implements KafkaBroker {

    /** Image used when Docker is available; override with -Dpaywatch.test.kafka-image. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    /** Starts the container; fails fast when there is no Docker engine. */
    public static ContainerKafkaBroker start() {
        String image = System.getProperty("paywatch.test.kafka-image", DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String describe() {
        return "Testcontainers " + container.getDockerImageName() + " at " + bootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
