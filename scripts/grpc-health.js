// Asks a gRPC server for its grpc.health.v1 status; resolves 'SERVING', 'NOT_SERVING', or an error text.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { protoPath } = require('grpc-health-check');

const {
  grpc: {
    health: {
      v1: { Health },
    },
  },
} = grpc.loadPackageDefinition(
  protoLoader.loadSync(protoPath, { keepCase: true, enums: String, defaults: true }),
);

function grpcHealth(address, service = '', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const client = new Health(address, grpc.credentials.createInsecure());
    client.check({ service }, { deadline: Date.now() + timeoutMs }, (error, reply) => {
      client.close();
      resolve(error ? `error: ${error.details || error.message}` : reply.status);
    });
  });
}

module.exports = { grpcHealth };
