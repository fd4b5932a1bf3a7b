package io.paywatch.alerts.templates;

import io.paywatch.contract.Language;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The email texts of every language, from {@code templates/alerts_<lang>.properties} (UTF-8), with English as
 * the fallback for a missing key. Placeholders are {@code {name}}; unlike MessageFormat, apostrophes in
 * Italian and French need no escaping.
 */
public final class MessageBundle {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private final Map<Language, Properties> bundles = new EnumMap<>(Language.class);

    /** Loads every language's bundle from the classpath. */
    public MessageBundle() {
        for (Language language : Language.values()) {
            bundles.put(language, load("templates/alerts_" + language.name().toLowerCase() + ".properties"));
        }
    }

    /** The raw text of {@code key} in {@code language}, falling back to English. */
    public Optional<String> text(Language language, String key) {
        String value = bundles.get(language).getProperty(key);
        if (value == null) {
            value = bundles.get(Language.EN).getProperty(key);
        }
        return Optional.ofNullable(value);
    }

    /**
     * Fills the placeholders of {@code key}. Empty when the key is absent or a placeholder has no value: a
     * sentence about a figure the alert does not carry is left out rather than printed with a hole.
     */
    public Optional<String> fill(Language language, String key, Map<String, String> values) {
        return text(language, key).flatMap(template -> fill(template, values));
    }

    static Optional<String> fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    private static Properties load(String resource) {
        Properties props = new Properties();
        try (InputStream in = MessageBundle.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing email template bundle " + resource);
            }
            props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return props;
    }
}
