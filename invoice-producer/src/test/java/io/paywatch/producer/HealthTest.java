package io.paywatch.producer;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.SharedKafka;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micronaut.http.HttpResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthTest implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return TestSupport.properties();
    }

    /**
     * Anyone may ask whether the service is up, but only a caller with a tenant API key or the ops token sees the
     * indicators' details (Kafka cluster id, disk sizes): issue #12.
     */
    @Test
    void detailsOnlyForATenantKeyOrTheOpsToken() {
        for (HttpRequest<?> anonymous : List.of(HttpRequest.GET("/health"),
                HttpRequest.GET("/health").bearerAuth("not-a-key"), HttpRequest.GET("/health").bearerAuth(""))) {
            HttpResponse<String> r = http.toBlocking().exchange(anonymous, String.class);
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"status\":\"UP\"}");
        }
        for (String key : List.of(TestSupport.KEY, TestSupport.OTHER_KEY, TestSupport.OPS_TOKEN)) {
            String body = http.toBlocking().retrieve(HttpRequest.GET("/health").bearerAuth(key));
            assertThat(body).contains("\"kafka\"").contains("clusterId").contains("diskSpace");
        }
    }

    @Test
    void healthIsUpAgainstARealBrokerAndTopicsExist(KafkaBroker broker) throws Exception {
        String body = http.toBlocking().retrieve(HttpRequest.GET("/health").bearerAuth(TestSupport.OPS_TOKEN));
        assertThat(body).contains("\"status\":\"UP\"").contains("\"kafka\"");
        try (Admin admin = broker.admin()) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .containsAll(Topics.ALL.stream().map(t -> t.name()).toList());
        }
    }
}
