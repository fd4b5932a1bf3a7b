package io.paywatch.producer.api;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.ClientContacts;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.producer.contacts.ContactsStore;
import io.paywatch.producer.contacts.TenantContacts;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.paywatch.producer.TestSupport.KEY;
import static io.paywatch.producer.TestSupport.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT}/{@code GET /v1/clients/{clientId}/contacts}: stored on the compacted topic, read back, tenant-isolated. */
@MicronautTest
class ContactsApiTest extends RunningServiceTest {

    HttpResponse<String> put(String client, String json, String key) {
        return http.send("PUT", "/v1/clients/" + client + "/contacts", json.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + key));
    }

    HttpResponse<String> get(String client, String key) {
        return http.send("GET", "/v1/clients/" + client + "/contacts", null, Map.of("Authorization", "Bearer " + key));
    }

    @Test
    void contactsAreNormalisedPublishedKeyedByTenantAndClientAndReadBack() {
        HttpResponse<String> r = put("globex", """
                {"contacts":["Anna@Globex.Example","@globex.example"," bob@globex.example ","anna@globex.example"]}""",
                KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("{\"clientId\":\"globex\",\"contacts\":[\"anna@globex.example\","
                + "\"bob@globex.example\",\"@globex.example\"],\"updatedAt\":\"2025-06-02T12:00:00Z\"}");
        assertThat(get("globex", KEY).body()).isEqualTo(r.body());

        List<ConsumerRecord<String, ClientContacts>> read = KafkaTestClients.readAtLeast(
                Topics.CLIENT_CONTACTS.name(), new StringDeserializer(),
                Topics.CLIENT_CONTACTS.valueSerde().deserializer(), 1, Duration.ofSeconds(30));
        ConsumerRecord<String, ClientContacts> rec = read.stream().filter(x -> x.key().equals("acme|globex"))
                .findFirst().orElseThrow();
        assertThat(rec.value().getTenantId()).isEqualTo("acme");
        assertThat(rec.value().getAddresses()).containsExactly("anna@globex.example", "bob@globex.example");
        assertThat(rec.value().getDomains()).containsExactly("globex.example");

        // What the mail import reads: the topic itself, for one tenant.
        TenantContacts acme = ContactsStore.readOnce(SharedKafka.bootstrapServers(), "acme", Duration.ofSeconds(30));
        assertThat(acme.clientOf("ANNA@globex.example")).contains("globex");
        assertThat(acme.clientOf("carol@globex.example")).contains("globex");
        assertThat(acme.clientOf("carol@sub.globex.example")).isEmpty();
        TenantContacts other = ContactsStore.readOnce(SharedKafka.bootstrapServers(), "other", Duration.ofSeconds(30));
        assertThat(other.clientOf("anna@globex.example")).isEmpty();
    }

    @Test
    void anotherTenantCanNeitherReadNorOverwriteTheContacts() {
        assertThat(put("initech", "{\"contacts\":[\"peter@initech.example\"]}", KEY).statusCode()).isEqualTo(202);

        HttpResponse<String> foreign = get("initech", OTHER_KEY);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("\"status\":404")
                .doesNotContain("peter");

        // The other tenant's client "initech" is its own: writing it leaves acme's untouched.
        assertThat(put("initech", "{\"contacts\":[\"@mallory.example\"]}", OTHER_KEY).statusCode()).isEqualTo(202);
        assertThat(get("initech", KEY).body()).contains("peter@initech.example").doesNotContain("mallory");
        assertThat(get("initech", OTHER_KEY).body()).contains("@mallory.example").doesNotContain("peter");
        // The same address for a client of another tenant is no conflict: tenants are apart.
        assertThat(put("someone", "{\"contacts\":[\"peter@initech.example\"]}", OTHER_KEY).statusCode())
                .isEqualTo(202);

        TenantContacts acme = ContactsStore.readOnce(SharedKafka.bootstrapServers(), "acme", Duration.ofSeconds(30));
        assertThat(acme.clientOf("peter@initech.example")).contains("initech");
        assertThat(acme.clientOf("x@mallory.example")).isEmpty();
    }

    @Test
    void anAddressOrDomainOfAnotherClientIsRefusedWithBothNamed() {
        assertThat(put("hooli", "{\"contacts\":[\"gavin@hooli.example\",\"@hooli.example\"]}", KEY).statusCode())
                .isEqualTo(202);
        HttpResponse<String> r = put("piedpiper", "{\"contacts\":[\"richard@piedpiper.example\","
                + "\"GAVIN@hooli.example\",\"@hooli.example\"]}", KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.body()).contains("\"field\":\"contacts[1]\"", "\"pointer\":\"/contacts/1\"",
                "gavin@hooli.example is already a contact of client hooli", "\"code\":\"conflict\"",
                "\"field\":\"contacts[2]\"", "@hooli.example is already a contact of client hooli");
        assertThat(get("piedpiper", KEY).statusCode()).as("nothing saved").isEqualTo(404);

        // A more specific address under another client's domain is allowed: the exact address wins.
        assertThat(put("piedpiper", "{\"contacts\":[\"erlich@hooli.example\"]}", KEY).statusCode()).isEqualTo(202);
        // And the owner may re-save its own list.
        assertThat(put("hooli", "{\"contacts\":[\"gavin@hooli.example\"]}", KEY).statusCode()).isEqualTo(202);
        TenantContacts acme = ContactsStore.readOnce(SharedKafka.bootstrapServers(), "acme", Duration.ofSeconds(30));
        assertThat(acme.clientOf("erlich@hooli.example")).contains("piedpiper");
        assertThat(acme.clientOf("gavin@hooli.example")).contains("hooli");
        assertThat(acme.clientOf("jared@hooli.example")).as("hooli dropped its domain").isEmpty();
    }

    @Test
    void contactsWrittenToTheTopicByAnotherInstanceAreReadBackIntoTheService() throws Exception {
        ClientContacts written = ClientContacts.newBuilder().setTenantId("acme").setClientId("umbrella")
                .setAddresses(List.of("alice@umbrella.example")).setDomains(List.of())
                .setUpdatedAt(TestSupport.NOW).build();
        try (var producer = KafkaTestClients.producer(new org.apache.kafka.common.serialization.StringSerializer(),
                Topics.CLIENT_CONTACTS.valueSerde().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.CLIENT_CONTACTS.name(),
                    "acme|umbrella", written)).get();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("umbrella", KEY).body()).contains("alice@umbrella.example"));
        // The service now knows the address is umbrella's: another client cannot take it.
        HttpResponse<String> r = put("wesker", "{\"contacts\":[\"alice@umbrella.example\"]}", KEY);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("already a contact of client umbrella");
    }

    @Test
    void badEntriesAreListedWithTheirPointers() {
        HttpResponse<String> r = put("bad", "{\"contacts\":[\"no-at-sign\",\"@localhost\",\"a b@x.example\","
                + "\"ok@fine.example\",\"x@evil.example\\r\\nBcc: y\"]}", KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"pointer\":\"/contacts/0\"", "has no '@'",
                "\"pointer\":\"/contacts/1\"", "at least two labels",
                "\"pointer\":\"/contacts/2\"", "\"code\":\"invalid_contact\"",
                "\"pointer\":\"/contacts/4\"", "\"code\":\"invalid_character\"")
                .doesNotContain("/contacts/3");
        assertThat(put("bad", "{\"contacts\":\"a@b.example\"}", KEY).statusCode()).isEqualTo(400);
        assertThat(put("bad", "{\"emails\":[\"a@b.example\"]}", KEY).body()).contains("/emails");
        assertThat(put("bad", "{}", KEY).body()).contains("\"field\":\"contacts\"", "\"code\":\"missing\"");
        assertThat(get("bad", KEY).statusCode()).isEqualTo(404);
        assertThat(get("bad", "wrong-key").statusCode()).isEqualTo(401);
    }
}
