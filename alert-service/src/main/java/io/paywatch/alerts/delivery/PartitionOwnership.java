package io.paywatch.alerts.delivery;

import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Which instance releases a parked alert: the one that owns the payment-alerts partition its key lands on. The
 * partition is computed by Kafka's own {@link BuiltInPartitioner#partitionForKey} over the key serialized with the
 * topic's declared key serde, exactly what the default partitioner of the producer of payment-alerts does, so a
 * change to either cannot silently make two instances (or none) release the same alert.
 */
final class PartitionOwnership {

    private final Serializer<String> keys = Topics.PAYMENT_ALERTS.keySerde().serializer();
    private final Supplier<Set<TopicPartition>> assignment;
    private volatile int partitions;

    PartitionOwnership(Supplier<Set<TopicPartition>> assignment) {
        this.assignment = assignment;
    }

    /** Sets the partition count of payment-alerts (read at start and on every assignment). */
    void partitions(int count) {
        this.partitions = count;
    }

    /** The payment-alerts partition a record with {@code key} is written to. */
    int partitionFor(String key) {
        return BuiltInPartitioner.partitionForKey(keys.serialize(Topics.PAYMENT_ALERTS.name(), key), partitions);
    }

    /** The partition of an alert about a client: its key is {@link ClientKey#of}. */
    int partitionFor(String tenantId, String clientId) {
        return partitionFor(ClientKey.of(tenantId, clientId));
    }

    /** Whether this instance is currently assigned the partition {@code key} lands on. */
    boolean owns(String key) {
        return assignment.get().contains(new TopicPartition(Topics.PAYMENT_ALERTS.name(), partitionFor(key)));
    }

    boolean owns(String tenantId, String clientId) {
        return owns(ClientKey.of(tenantId, clientId));
    }
}
