package io.paywatch.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Testcontainers path of the kit: same broker contract, in a container. Skipped cleanly where there
 * is no Docker engine (as on the development and CI machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaBrokerTest {

    @Test
    void containerBrokerCreatesAndResetsTopics() throws Exception {
        try (KafkaBroker broker = ContainerKafkaBroker.start(); Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("container-check", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("container-check");
            broker.resetTopics();
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("container-check");
        }
    }
}
