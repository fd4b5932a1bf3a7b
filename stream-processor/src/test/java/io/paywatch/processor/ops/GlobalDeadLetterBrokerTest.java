package io.paywatch.processor.ops;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.DeadLetter;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An undecodable record on freelancer-settings (read by the global thread) is dead-lettered and the application
 * keeps running. Before the fix, Kafka Streams 4.3.1 threw a ClassCastException on the handler's dead-letter
 * records in the global thread and every instance went to ERROR (found by system-tests' ClusterFaultsSystemTest).
 */
@ExtendWith(KafkaBrokerExtension.class)
class GlobalDeadLetterBrokerTest {

    @Test
    void anUndecodableSettingsRecordIsDeadLetteredAndTheApplicationKeepsRunning() throws Exception {
        new TopicBootstrap(3, (short) 1).ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
        Properties props = StreamsDefaults.properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "global-dlq-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("paywatch-global-dlq-").toString());
        props.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(new SimpleMeterRegistry()));
        StreamsBuilder builder = new StreamsBuilder();
        PaywatchTopology.buildTopology(builder, TopologyOptions.defaults());
        byte[] garbage = "not an Avro single-object record".getBytes(StandardCharsets.UTF_8);
        try (KafkaStreams streams = new KafkaStreams(builder.build(props), props)) {
            streams.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            try (KafkaProducer<byte[], byte[]> raw = KafkaTestClients.producer(new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(),
                        "t-global".getBytes(StandardCharsets.UTF_8), garbage)).get();
            }
            List<ConsumerRecord<String, DeadLetter>> letters = KafkaTestClients.readAtLeast(
                    Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.keySerde().deserializer(),
                    Topics.DEAD_LETTERS.valueSerde().deserializer(), 1, Duration.ofSeconds(60));
            DeadLetter letter = letters.get(0).value();
            assertThat(letter.getSourceTopic()).isEqualTo(Topics.FREELANCER_SETTINGS.name());
            assertThat(letter.getReason()).contains("not Avro single-object encoding");
            assertThat(bytes(letter.getValue())).isEqualTo(garbage);
            assertThat(letters.get(0).key()).isEqualTo(Topics.FREELANCER_SETTINGS.name() + "/"
                    + letter.getPartition() + "/" + letter.getOffset());
            // Still running after the poison: the global thread survived it.
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            streams.close(Duration.ofSeconds(60));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
