# The HTTP API in front of the pipeline. Dashboard routes (here) require an
# OKTA JWT (SI-11); the ingestion module adds the HMAC-authenticated
# /webhooks/{source} routes to the same API.

resource "aws_apigatewayv2_api" "main" {
  name          = "${var.namespace}api"
  protocol_type = "HTTP"
  description   = "ZTAIT: webhooks (HMAC) and dashboard (OKTA JWT)"

  tags = local.tags
}

resource "aws_apigatewayv2_authorizer" "okta" {
  api_id           = aws_apigatewayv2_api.main.id
  name             = "${var.namespace}okta"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.okta_issuer
    audience = var.okta_audience
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.namespace}api"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn

  tags = local.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.main.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.api_throttling_burst_limit
    throttling_rate_limit  = var.api_throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId      = "$context.requestId"
      routeKey       = "$context.routeKey"
      status         = "$context.status"
      sourceIp       = "$context.identity.sourceIp"
      principal      = "$context.authorizer.claims.sub"
      authorizeError = "$context.authorizer.error"
      latencyMs      = "$context.responseLatency"
    })
  }

  tags = local.tags
}

resource "aws_apigatewayv2_integration" "config_manager" {
  api_id                 = aws_apigatewayv2_api.main.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.config_manager.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "dashboard" {
  for_each = var.dashboard_routes

  api_id             = aws_apigatewayv2_api.main.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.config_manager.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.okta.id
}

resource "aws_lambda_permission" "config_manager_api" {
  statement_id  = "AllowDashboardApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.config_manager.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.main.execution_arn}/*/*"
}
