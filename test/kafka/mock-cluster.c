/*
 * A Kafka cluster for tests: librdkafka's in-process mock cluster, kept alive in this small
 * program so clients of any language (kafkajs here) reach it over TCP on 127.0.0.1.
 *
 *   mock-cluster [--brokers N] [--topic NAME:PARTITIONS]...
 *
 * Prints the bootstrap address ("127.0.0.1:PORT,...") on one stdout line once the topics
 * exist, then runs until killed. Build: cc -o mock-cluster mock-cluster.c -lrdkafka
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

static void usage(void) {
  fprintf(stderr, "usage: mock-cluster [--brokers N] [--topic NAME:PARTITIONS]...\n");
  exit(2);
}

int main(int argc, char **argv) {
  int broker_count = 1;
  char error_text[512];

  /* A producer handle only hosts the mock cluster's threads; it never produces. */
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "3", error_text, sizeof error_text) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "mock-cluster: %s\n", error_text);
    return 1;
  }
  for (int index = 1; index < argc; index++) {
    if (strcmp(argv[index], "--brokers") == 0 && index + 1 < argc) {
      broker_count = atoi(argv[++index]);
      if (broker_count < 1) usage();
    } else if (strcmp(argv[index], "--topic") == 0 && index + 1 < argc) {
      index++;
    } else {
      usage();
    }
  }
  rd_kafka_t *handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error_text, sizeof error_text);
  if (handle == NULL) {
    fprintf(stderr, "mock-cluster: rd_kafka_new: %s\n", error_text);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(handle, broker_count);
  if (cluster == NULL) {
    fprintf(stderr, "mock-cluster: rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int index = 1; index < argc; index++) {
    if (strcmp(argv[index], "--topic") != 0) {
      if (strcmp(argv[index], "--brokers") == 0) index++;
      continue;
    }
    char *spec = argv[++index];
    char *colon = strrchr(spec, ':');
    int partitions = colon == NULL ? 1 : atoi(colon + 1);
    if (colon != NULL) *colon = '\0';
    if (partitions < 1) usage();
    rd_kafka_resp_err_t error = rd_kafka_mock_topic_create(cluster, spec, partitions, 1);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fprintf(stderr, "mock-cluster: topic %s: %s\n", spec, rd_kafka_err2str(error));
      return 1;
    }
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);
  while (!stopping) pause();
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  return 0;
}
