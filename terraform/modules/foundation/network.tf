# Network: the functions run only in private subnets; their one way out is
# HTTPS through a single NAT gateway, and AWS service traffic stays on VPC
# endpoints (SI-1, SI-2).

locals {
  interface_endpoint_services = toset(["secretsmanager", "bedrock-runtime", "events"])
}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # required for private DNS on interface endpoints

  tags = merge(local.tags, { Name = "${var.namespace}vpc" })
}

# No rules: nothing may fall back to the default security group.
resource "aws_default_security_group" "locked" {
  vpc_id = aws_vpc.main.id

  tags = merge(local.tags, { Name = "${var.namespace}default-locked" })
}

resource "aws_subnet" "private" {
  count = length(var.availability_zones)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = var.availability_zones[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index)
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.namespace}private-${var.availability_zones[count.index]}", "ztait:tier" = "private" })
}

resource "aws_subnet" "public" {
  count = length(var.availability_zones)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = var.availability_zones[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, 240 + count.index)
  map_public_ip_on_launch = false # only the NAT gateway lives here, with its own Elastic IP

  tags = merge(local.tags, { Name = "${var.namespace}public-${var.availability_zones[count.index]}", "ztait:tier" = "public" })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = merge(local.tags, { Name = "${var.namespace}igw" })
}

resource "aws_eip" "nat" {
  domain = "vpc"

  tags = merge(local.tags, { Name = "${var.namespace}nat" })

  depends_on = [aws_internet_gateway.main]
}

# One NAT gateway (the paper's cost trade-off); a zone outage cuts egress of
# the other zones until it returns.
resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id

  tags = merge(local.tags, { Name = "${var.namespace}nat" })

  depends_on = [aws_internet_gateway.main]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }

  tags = merge(local.tags, { Name = "${var.namespace}public" })
}

# Private subnets reach the internet only through the NAT gateway, never the IGW.
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }

  tags = merge(local.tags, { Name = "${var.namespace}private" })
}

resource "aws_route_table_association" "public" {
  count = length(var.availability_zones)

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count = length(var.availability_zones)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# The functions' only security group. Terraform removes the default allow-all
# egress of a new group; the single rule below is the whole egress policy.
# Rules are separate aws_vpc_security_group_*_rule resources (the provider's
# recommended style), never inline blocks, so they cannot be mixed.
resource "aws_security_group" "lambda" {
  name        = "${var.namespace}lambda"
  description = "ZTAIT Lambda functions: egress HTTPS only"
  vpc_id      = aws_vpc.main.id

  tags = merge(local.tags, { Name = "${var.namespace}lambda" })
}

resource "aws_vpc_security_group_egress_rule" "lambda_https" {
  security_group_id = aws_security_group.lambda.id
  description       = "HTTPS to VPC endpoints and, through the NAT gateway, to integrations"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

resource "aws_security_group" "endpoints" {
  name        = "${var.namespace}vpc-endpoints"
  description = "ZTAIT interface endpoints: HTTPS from the Lambda functions only"
  vpc_id      = aws_vpc.main.id

  tags = merge(local.tags, { Name = "${var.namespace}vpc-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_lambda" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from the ZTAIT Lambda security group"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.lambda.id

  tags = local.tags
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]

  tags = merge(local.tags, { Name = "${var.namespace}dynamodb" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoint_services

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = merge(local.tags, { Name = "${var.namespace}${each.key}" })
}

# Zone names are not looked up (plans work offline), so say early when they
# do not belong to the region.
check "availability_zones_in_region" {
  assert {
    condition     = alltrue([for zone in var.availability_zones : startswith(zone, var.region)])
    error_message = "Every availability zone must belong to var.region (${var.region})."
  }
}
