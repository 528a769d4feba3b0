"""The origins tests build observed states with, by the backend or source they stand for."""

from dynamo_contracts.provision.desired.model import BackendKind
from dynamo_contracts.provision.observed.origin import Origin, SourceKind

ON_MOTO = Origin.live(BackendKind.MOTO)
ON_AWS = Origin.live(BackendKind.AWS)
ON_LOCAL = Origin.live(BackendKind.DYNAMODB_LOCAL)
FROM_TERRAFORM = Origin(SourceKind.TERRAFORM)
